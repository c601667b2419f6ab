/* Are-We-Fast-Yet: Richards (Marr et al., DLS 2016). Martin Richards' OS task-scheduler simulation.
 * The suite's task closures are C function pointers taking the scheduler and the task's data. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

#define NO_TASK NULL
#define NO_WORK NULL
enum { IDLER = 0, WORKER = 1, HANDLER_A = 2, HANDLER_B = 3, DEVICE_A = 4, DEVICE_B = 5, NUM_TYPES = 6 };
enum { DEVICE_PACKET_KIND = 0, WORK_PACKET_KIND = 1 };
#define DATA_SIZE 4

typedef struct Packet {
  struct Packet *link;
  int identity;
  int kind;
  int datum;
  int *data;
} Packet;

typedef struct { Packet *pending; } DeviceTaskDataRecord;
typedef struct { Packet *workIn; Packet *deviceIn; } HandlerTaskDataRecord;
typedef struct { int control; int count; } IdleTaskDataRecord;
typedef struct { int destination; int count; } WorkerTaskDataRecord;

typedef struct { bool packetPending, taskWaiting, taskHolding; } TaskState;

typedef struct Scheduler Scheduler;
typedef struct TaskControlBlock TaskControlBlock;
typedef TaskControlBlock *(*TaskFunction)(Scheduler *s, Packet *work, void *word);

struct TaskControlBlock {
  TaskState state;
  TaskControlBlock *link;
  int identity;
  int priority;
  Packet *input;
  void *handle;
  TaskFunction fn;
};

struct Scheduler {
  int queuePacketCount;
  int holdCount;
  TaskControlBlock **taskTable;
  TaskControlBlock *taskList;
  TaskControlBlock *currentTask;
  int currentTaskIdentity;
};

static Packet *append(Packet *packet, Packet *queueHead) {
  packet->link = NO_WORK;
  if (NO_WORK == queueHead) return packet;
  Packet *mouse = queueHead;
  Packet *link;
  while (NO_WORK != (link = mouse->link)) mouse = link;
  mouse->link = packet;
  return queueHead;
}

/* TaskState */
static TaskState state_running(void) { TaskState t = { false, false, false }; return t; }
static TaskState state_waiting(void) { TaskState t = { false, true, false }; return t; }
static TaskState state_waiting_with_packet(void) { TaskState t = { true, true, false }; return t; }

static void state_packet_pending(TaskState *t) { t->packetPending = true; t->taskWaiting = false; t->taskHolding = false; }
static void state_set_running(TaskState *t) { t->packetPending = false; t->taskWaiting = false; t->taskHolding = false; }
static bool is_task_holding_or_waiting(TaskState *t) { return t->taskHolding || (!t->packetPending && t->taskWaiting); }
static bool is_waiting_with_packet(TaskState *t) { return t->packetPending && t->taskWaiting && !t->taskHolding; }

static TaskControlBlock *add_input_and_check_priority(TaskControlBlock *t, Packet *packet, TaskControlBlock *oldTask) {
  if (NO_WORK == t->input) {
    t->input = packet;
    t->state.packetPending = true;
    if (t->priority > oldTask->priority) return t;
  } else {
    t->input = append(packet, t->input);
  }
  return oldTask;
}

static TaskControlBlock *run_task(Scheduler *s, TaskControlBlock *t) {
  Packet *message;
  if (is_waiting_with_packet(&t->state)) {
    message = t->input;
    t->input = message->link;
    if (NO_WORK == t->input) {
      state_set_running(&t->state);
    } else {
      state_packet_pending(&t->state);
    }
  } else {
    message = NO_WORK;
  }
  return t->fn(s, message, t->handle);
}

/* Scheduler */
static void fail(const char *message) {
  printf("Richards: FAILED %s\n", message);
  exit(1);
}

static TaskControlBlock *find_task(Scheduler *s, int identity) {
  TaskControlBlock *t = s->taskTable[identity];
  if (NO_TASK == t) fail("findTask failed");
  return t;
}

static TaskControlBlock *hold_self(Scheduler *s) {
  s->holdCount += 1;
  s->currentTask->state.taskHolding = true;
  return s->currentTask->link;
}

static TaskControlBlock *queue_packet(Scheduler *s, Packet *packet) {
  TaskControlBlock *t = find_task(s, packet->identity);
  if (NO_TASK == t) return NO_TASK;
  s->queuePacketCount += 1;
  packet->link = NO_WORK;
  packet->identity = s->currentTaskIdentity;
  return add_input_and_check_priority(t, packet, s->currentTask);
}

static TaskControlBlock *release(Scheduler *s, int identity) {
  TaskControlBlock *t = find_task(s, identity);
  if (NO_TASK == t) return NO_TASK;
  t->state.taskHolding = false;
  if (t->priority > s->currentTask->priority) return t;
  return s->currentTask;
}

static TaskControlBlock *mark_waiting(Scheduler *s) {
  s->currentTask->state.taskWaiting = true;
  return s->currentTask;
}

static TaskControlBlock *device_fn(Scheduler *s, Packet *workArg, void *wordArg) {
  DeviceTaskDataRecord *dataRecord = wordArg;
  Packet *functionWork = workArg;
  if (NO_WORK == functionWork) {
    if (NO_WORK == (functionWork = dataRecord->pending)) return mark_waiting(s);
    dataRecord->pending = NO_WORK;
    return queue_packet(s, functionWork);
  }
  dataRecord->pending = functionWork;
  return hold_self(s);
}

static TaskControlBlock *handler_fn(Scheduler *s, Packet *work, void *word) {
  HandlerTaskDataRecord *dataRecord = word;
  if (NO_WORK != work) {
    if (WORK_PACKET_KIND == work->kind) {
      dataRecord->workIn = append(work, dataRecord->workIn);
    } else {
      dataRecord->deviceIn = append(work, dataRecord->deviceIn);
    }
  }
  Packet *workPacket;
  if (NO_WORK == (workPacket = dataRecord->workIn)) return mark_waiting(s);
  int count = workPacket->datum;
  if (count >= DATA_SIZE) {
    dataRecord->workIn = workPacket->link;
    return queue_packet(s, workPacket);
  }
  Packet *devicePacket;
  if (NO_WORK == (devicePacket = dataRecord->deviceIn)) return mark_waiting(s);
  dataRecord->deviceIn = devicePacket->link;
  devicePacket->datum = workPacket->data[count];
  workPacket->datum = count + 1;
  return queue_packet(s, devicePacket);
}

static TaskControlBlock *idle_fn(Scheduler *s, Packet *workArg, void *wordArg) {
  (void)workArg;
  IdleTaskDataRecord *dataRecord = wordArg;
  dataRecord->count -= 1;
  if (0 == dataRecord->count) return hold_self(s);
  if (0 == (dataRecord->control & 1)) {
    dataRecord->control /= 2;
    return release(s, DEVICE_A);
  }
  dataRecord->control = (dataRecord->control / 2) ^ 53256;
  return release(s, DEVICE_B);
}

static TaskControlBlock *worker_fn(Scheduler *s, Packet *work, void *word) {
  WorkerTaskDataRecord *data = word;
  if (NO_WORK == work) return mark_waiting(s);
  data->destination = (HANDLER_A == data->destination) ? HANDLER_B : HANDLER_A;
  work->identity = data->destination;
  work->datum = 0;
  for (int i = 0; i < DATA_SIZE; i++) {
    data->count += 1;
    if (data->count > 26) data->count = 1;
    work->data[i] = 65 + data->count - 1;
  }
  return queue_packet(s, work);
}

static void create_task(Scheduler *s, int identity, int priority, Packet *work, TaskState state,
                        void *data, TaskFunction fn) {
  TaskControlBlock *t = malloc(sizeof(TaskControlBlock));
  t->link = s->taskList;
  t->identity = identity;
  t->priority = priority;
  t->input = work;
  t->state = state;
  t->handle = data;
  t->fn = fn;
  s->taskList = t;
  s->taskTable[identity] = t;
}

static void create_device(Scheduler *s, int identity, int priority, Packet *workPacket, TaskState state) {
  DeviceTaskDataRecord *data = malloc(sizeof(DeviceTaskDataRecord));
  data->pending = NO_WORK;
  create_task(s, identity, priority, workPacket, state, data, device_fn);
}

static void create_handler(Scheduler *s, int identity, int priority, Packet *workPacket, TaskState state) {
  HandlerTaskDataRecord *data = malloc(sizeof(HandlerTaskDataRecord));
  data->workIn = NO_WORK;
  data->deviceIn = NO_WORK;
  create_task(s, identity, priority, workPacket, state, data, handler_fn);
}

static void create_idler(Scheduler *s, int identity, int priority, Packet *work, TaskState state) {
  IdleTaskDataRecord *data = malloc(sizeof(IdleTaskDataRecord));
  data->control = 1;
  data->count = 10000;
  create_task(s, identity, priority, work, state, data, idle_fn);
}

static void create_worker(Scheduler *s, int identity, int priority, Packet *workPacket, TaskState state) {
  WorkerTaskDataRecord *data = malloc(sizeof(WorkerTaskDataRecord));
  data->destination = HANDLER_A;
  data->count = 0;
  create_task(s, identity, priority, workPacket, state, data, worker_fn);
}

static Packet *create_packet(Packet *link, int identity, int kind) {
  Packet *p = malloc(sizeof(Packet));
  p->link = link;
  p->identity = identity;
  p->kind = kind;
  p->datum = 0;
  p->data = calloc(DATA_SIZE, sizeof(int));
  return p;
}

static void schedule(Scheduler *s) {
  s->currentTask = s->taskList;
  while (NO_TASK != s->currentTask) {
    if (is_task_holding_or_waiting(&s->currentTask->state)) {
      s->currentTask = s->currentTask->link;
    } else {
      s->currentTaskIdentity = s->currentTask->identity;
      s->currentTask = run_task(s, s->currentTask);
    }
  }
}

static Scheduler *start(void) {
  Scheduler *s = malloc(sizeof(Scheduler));
  s->queuePacketCount = 0;
  s->holdCount = 0;
  s->taskTable = calloc(NUM_TYPES, sizeof(TaskControlBlock *));
  s->taskList = NO_TASK;
  s->currentTask = NO_TASK;
  s->currentTaskIdentity = 0;

  Packet *workQ;
  create_idler(s, IDLER, 0, NO_WORK, state_running());
  workQ = create_packet(NO_WORK, WORKER, WORK_PACKET_KIND);
  workQ = create_packet(workQ, WORKER, WORK_PACKET_KIND);
  create_worker(s, WORKER, 1000, workQ, state_waiting_with_packet());

  workQ = create_packet(NO_WORK, DEVICE_A, DEVICE_PACKET_KIND);
  workQ = create_packet(workQ, DEVICE_A, DEVICE_PACKET_KIND);
  workQ = create_packet(workQ, DEVICE_A, DEVICE_PACKET_KIND);
  create_handler(s, HANDLER_A, 2000, workQ, state_waiting_with_packet());

  workQ = create_packet(NO_WORK, DEVICE_B, DEVICE_PACKET_KIND);
  workQ = create_packet(workQ, DEVICE_B, DEVICE_PACKET_KIND);
  workQ = create_packet(workQ, DEVICE_B, DEVICE_PACKET_KIND);
  create_handler(s, HANDLER_B, 3000, workQ, state_waiting_with_packet());

  create_device(s, DEVICE_A, 4000, NO_WORK, state_waiting());
  create_device(s, DEVICE_B, 5000, NO_WORK, state_waiting());

  schedule(s);
  return s;
}

static int free_packets(Packet *p) {
  int n = 0;
  while (p != NO_WORK) {
    Packet *next = p->link;
    free(p->data);
    free(p);
    n += 1;
    p = next;
  }
  return n;
}

/* Frees the tasks, their data records and the 8 packets (each sits in exactly one queue). */
static void free_scheduler(Scheduler *s) {
  int packets = 0;
  TaskControlBlock *t = s->taskList;
  while (t != NO_TASK) {
    TaskControlBlock *next = t->link;
    packets += free_packets(t->input);
    if (t->fn == handler_fn) {
      HandlerTaskDataRecord *h = t->handle;
      packets += free_packets(h->workIn);
      packets += free_packets(h->deviceIn);
    } else if (t->fn == device_fn) {
      /* pending is a single packet; its link may still point into a task's input queue. */
      DeviceTaskDataRecord *d = t->handle;
      if (d->pending != NO_WORK) {
        free(d->pending->data);
        free(d->pending);
        packets += 1;
      }
    }
    free(t->handle);
    free(t);
    t = next;
  }
  if (packets != 8) fail("lost packets");
  free(s->taskTable);
  free(s);
}

static bool verify_result(Scheduler *s) {
  return s->queuePacketCount == 23246 && s->holdCount == 9297;
}

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  int queuePacketCount = 0, holdCount = 0;
  for (int n = 0; n < iterations; n++) {
    for (int i = 0; i < innerIterations; i++) {
      Scheduler *s = start();
      bool ok = verify_result(s);
      queuePacketCount = s->queuePacketCount;
      holdCount = s->holdCount;
      free_scheduler(s);
      if (!ok) {
        printf("Richards: FAILED %d %d\n", queuePacketCount, holdCount);
        return 1;
      }
    }
  }
  printf("Richards: ok %d %d\n", queuePacketCount, holdCount);
  return 0;
}
